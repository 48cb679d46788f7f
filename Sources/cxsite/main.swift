print("cxsite")
