if __name__ == "__main__":
    from wulong_desk.cli import main

    raise SystemExit(main())
