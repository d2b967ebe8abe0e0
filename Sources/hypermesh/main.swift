import HyperMeshNode

// ArgumentParser's own entry point: parses the arguments, runs the command, exits with its code.
await HyperMeshCommand.main()
