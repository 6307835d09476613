"""The shared catalogue (insatskatalog): the agencies' offerings, as coordination folds them."""
