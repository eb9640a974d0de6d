// OpenMPI's predefined handles are macros over addresses of library globals (MPI_COMM_WORLD is
// &ompi_mpi_comm_world), which Swift cannot import; these inline functions return them.
#include <mpi.h>

static inline MPI_Comm lowrank_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype lowrank_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype lowrank_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype lowrank_mpi_int(void) { return MPI_INT; }
static inline MPI_Datatype lowrank_mpi_double_int(void) { return MPI_DOUBLE_INT; }
static inline MPI_Op lowrank_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op lowrank_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op lowrank_mpi_maxloc(void) { return MPI_MAXLOC; }
static inline MPI_Errhandler lowrank_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int lowrank_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int lowrank_mpi_success(void) { return MPI_SUCCESS; }
static inline int lowrank_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline MPI_Status *lowrank_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }

/// The (value, index) pair of MPI_DOUBLE_INT, for MPI_MAXLOC.
typedef struct { double value; int index; } lowrank_double_int;
