"""Files for every module: upload checks by content with spooling (`checks`), storage that
follows the transaction (`store`), article/notice HTML (`html`) and serving after the access
check, by the web server when one is configured (`serve`)."""
