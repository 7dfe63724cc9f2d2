"""Run layer: the typed run record, artifact paths, baselines, the HTML report, approve and merge.

Plain files and functions: no pytest here, so the command line and the review
server use the same code as the plugin."""
