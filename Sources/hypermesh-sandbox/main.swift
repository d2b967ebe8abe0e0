// The worker process of an isolated native extension: started by the host with one socket, it
// confines itself, maps the library and serves calls (see HyperMeshSandbox.SandboxWorker).
#if canImport(Glibc)
import Glibc
#endif
import HyperMeshSandbox

exit(SandboxWorker.main(arguments: CommandLine.arguments))
