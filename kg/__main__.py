from kg.cli import program

program()
