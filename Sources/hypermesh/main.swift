import HyperMeshCLI

await HyperMeshCommand.runAsRoot()
