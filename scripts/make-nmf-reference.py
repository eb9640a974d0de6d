#!/usr/bin/env python3
"""The scikit-learn reference figures of Tests/LowRankKernelsTests/Truncation/NMFFitTests.swift (recorded with
scikit-learn 1.9.1): objectives after 30 iterations from a fixed custom start, and NNDSVD(a) starts, for the fixed
12 x 9 matrix of the test. Objective: D(X||WH) + scikit-learn's L1/L2 penalties (as NMF.FitOptions documents).
  python3 scripts/make-nmf-reference.py      (needs numpy and scikit-learn)
"""
import numpy as np, json
from sklearn.decomposition import NMF
from sklearn.decomposition._nmf import _initialize_nmf
m,n,k=12,9,3
X=np.array([[((i*7+j*3)%11)+(5 if i==j else 0) for j in range(n)] for i in range(m)],dtype=float)
W0=np.array([[0.1+((i+2*t)%5)*0.2 for t in range(k)] for i in range(m)])
H0=np.array([[0.2+((3*t+j)%4)*0.15 for j in range(n)] for t in range(k)])
def obj(W,H,beta,aw,ah,l1):
    WH=W@H
    if beta=="frobenius": div=0.5*np.sum((X-WH)**2)
    else:
        nz=X>0; div=np.sum(X[nz]*np.log(X[nz]/WH[nz]))-X.sum()+WH.sum()
    pen=(aw*l1*n*np.abs(W).sum()+0.5*aw*(1-l1)*n*(W**2).sum()+ah*l1*m*np.abs(H).sum()+0.5*ah*(1-l1)*m*(H**2).sum())
    return div+pen, div
out={}
for name,solver,beta,aw,l1,it in [("cd",  "cd","frobenius",0.01,0.5,30),("cd_plain","cd","frobenius",0.0,0.0,30),
                                  ("mu_kl","mu","kullback-leibler",0.01,0.3,30),("mu_kl_plain","mu","kullback-leibler",0.0,0.0,30)]:
    model=NMF(n_components=k,init="custom",solver=solver,beta_loss=beta,alpha_W=aw,alpha_H="same",l1_ratio=l1,max_iter=it,tol=0,random_state=0)
    W=model.fit_transform(X,W=W0.copy(),H=H0.copy()); H=model.components_
    o,d=obj(W,H,beta if beta=="frobenius" else "kl",aw,aw,l1)
    out[name]={"objective":o,"divergence":d,"iterations":int(model.n_iter_),"zeros_w":float(np.mean(W==0)),"zeros_h":float(np.mean(H==0))}
for init in ["nndsvd","nndsvda"]:
    W,H=_initialize_nmf(X,k,init=init,random_state=0)
    out[init]={"w_sum":float(W.sum()),"h_sum":float(H.sum()),"w00":float(W[0,0]),"h12":float(H[1,2]),"w_zeros":int((W==0).sum())}
print(json.dumps(out,indent=1))
