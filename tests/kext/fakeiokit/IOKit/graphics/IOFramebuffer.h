#include "../../fake_graphics.hpp"
