#include "../fake_service.hpp"
