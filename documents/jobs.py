from jobs.registry import job

from . import services


@job("scan_held_documents", title="Check the documents held for a virus scan",
     description="Documents uploaded while the virus scanner could not be reached: scanned now, then released "
                 "for download when clean or refused when harmful. Held documents wait for the next run.")
def scan_held_documents(now):
    return services.scan_held(now)
