// GEXF, GraphML and CSV writers live here (issue 5).
