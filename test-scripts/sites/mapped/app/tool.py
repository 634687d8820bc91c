#!/usr/bin/python3
# No mapping matches *.py in the mapped site: this is neither run nor served as source.
print("Content-Type: text/plain\r\n\r\nsecret source")
