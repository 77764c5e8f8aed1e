# See fields.pyi; djmoney.models.managers and the rest are read from the installed package.
