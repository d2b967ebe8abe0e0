// The ABI is header-only; this file exists because a C target needs one source file.
// It deliberately defines no exported symbol, so that host and extensions never carry
// duplicate definitions of anything from this target.
#include "hypermesh_extension.h"
