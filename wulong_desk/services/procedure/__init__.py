"""The procedure of the 办法: the clocks and their periods, the due list, public notice periods, the
consultation, the decision path and the presign's conversion."""
