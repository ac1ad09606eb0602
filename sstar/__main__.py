from sstar.cli import main

main()
