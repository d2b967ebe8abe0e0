import HyperMeshNode

await HyperMeshCommand.runAsRoot()
