"""The publishing half: briefs drafted into checked variants per network, reviewed, approved by clients, scheduled in campaigns and exported."""
