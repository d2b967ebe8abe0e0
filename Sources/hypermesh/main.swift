import HyperMeshCLI

await HyperMeshCommand.main()
