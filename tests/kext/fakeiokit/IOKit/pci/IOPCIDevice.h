#include "../../fake_pci.hpp"
