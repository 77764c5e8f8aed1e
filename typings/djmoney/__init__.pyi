# Makes typings/djmoney a package for mypy; every other djmoney module is read from the installed package.
