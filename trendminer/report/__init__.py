"""Reports: view models, HTML rendering and exports."""
