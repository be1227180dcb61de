"""The server-rendered pages, one module per area. Views parse, call, render."""
