from signallint.cli import main

main(prog_name="signallint")
