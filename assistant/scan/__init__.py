"""Page-image analyses for scans: red seals, handwritten signatures."""
