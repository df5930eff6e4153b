// Graph builders and algorithms live here (issue 4).
