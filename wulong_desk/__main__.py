from wulong_desk.cli import main

raise SystemExit(main())
