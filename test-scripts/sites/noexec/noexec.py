#!/usr/bin/python3
# No execute bit on purpose: in a script directory with no mapping this must never run.
# If it does, it leaves a marker beside its directory, in ../markers/.
import os
directory = os.path.dirname(os.environ["SCRIPT_FILENAME"])
open(os.path.join(directory, "..", "markers", "noexec.py.ran"), "w").close()
print("Content-Type: text/plain\r\n\r\nnoexec.py ran")
