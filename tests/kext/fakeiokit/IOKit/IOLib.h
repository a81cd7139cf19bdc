#include "../fake_types.hpp"
