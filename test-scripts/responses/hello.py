print("Content-Type: text/plain")
print()
print("hello from python")
