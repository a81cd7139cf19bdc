#include "../fake_memory.hpp"
