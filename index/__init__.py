"""Reading, parsing, chunking, embedding and storing newspaper archives."""
