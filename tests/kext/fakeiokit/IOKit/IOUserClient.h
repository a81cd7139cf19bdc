#include "../fake_userclient.hpp"
