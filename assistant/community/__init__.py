"""The community half: comments brought into the inbox, triaged (safety, abuse, learned heads), raised as alerts and answered with reviewed replies."""
