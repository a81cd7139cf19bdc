/* pexpert.h — the boot-argument lookup, answered from fake::setBootArgs (fake_world.cpp). */
#include "../fake_types.hpp"
typedef int boolean_t;
extern "C" boolean_t PE_parse_boot_argn(const char *arg_string, void *arg_ptr, int max_arg);
