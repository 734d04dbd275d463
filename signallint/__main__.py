from signallint.cli import run

run()
