"""Views: interactive offline HTML views of the projected graph."""
