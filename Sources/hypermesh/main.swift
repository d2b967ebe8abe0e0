print("hypermesh")
