// Small enhancements only: every page works without JavaScript.
if (window.GOVUKFrontend) { window.GOVUKFrontend.initAll(); }
if (window.MOJFrontend) { window.MOJFrontend.initAll(); }
