// The live scraper that records HAR lives here (issue 6).
