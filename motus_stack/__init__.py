"""motus-stack: the whole Motus topology as local processes under supervisor."""
