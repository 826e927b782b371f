import sys

if __name__ == "__main__":  # (a spawned worker process imports this module too: see below)
    if getattr(sys, "frozen", False):
        # in the bundle, a worker process of a large `calc` batch is started (where processes
        # are not forked) as the bundle's executable again: it does its work here and exits
        import multiprocessing

        multiprocessing.freeze_support()

    from wulong_desk.cli import main

    raise SystemExit(main())
