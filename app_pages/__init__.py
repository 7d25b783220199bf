"""The app's pages (Draw, Model) and the sidebar they share: thin layers of widgets over `digits`."""
