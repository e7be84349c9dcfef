from pocketcloud.cli import main

main()
