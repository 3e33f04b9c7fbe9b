// ZeroMQ (libzmq, Debian's libzmq3-dev) for the Jupyter kernel (Sources/LossKernel).
#include <zmq.h>
