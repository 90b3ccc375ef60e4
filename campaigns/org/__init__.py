"""Officials, accounts and the org tree managed in the app (issue 20): policy, services, selectors, pages, Excel."""
