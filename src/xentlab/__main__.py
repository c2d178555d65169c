from xentlab.cli import main

main()
