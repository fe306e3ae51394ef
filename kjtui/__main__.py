from kjtui.cli import main

raise SystemExit(main())
