"""The app's pages (Draw, Photo, Model, Corrections) and the sidebar they share: thin layers of widgets over
`digits`."""
