/*
 * The dummy connector: zeroed memory of `size` bytes with memflow's semantics (dummy-memory.h).
 */
#include "dummy-memory.h"

MEMFLOW_CONNECTOR(DUMMY, "dummy", "0.2.4", "zeroed memory for testing, with memflow's dummy connector semantics", dummy_ops);
