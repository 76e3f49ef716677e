"""Command-line commands, one module each (see `tf_imgtrans.cli`)."""
