"""Notes on every machine, through a folder that the user's own sync tool carries.

Qt-free. Each machine writes only files of its own into the folder (`folder`), as lines of
plain JSON, one change per line (`changes`), ordered by a hybrid logical clock (`clock`), never
by trusting wall clocks. Merging (`merge`) is a pure function of the set of changes read, so
every machine that has read the same files shows the same state, whatever order they came in.
"""
